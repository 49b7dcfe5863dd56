import { ApiProperty } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from './error-code';

/** The body of every error answer. */
export class ErrorResponseDto {
  @ApiProperty({ example: 401 }) statusCode!: number;
  @ApiProperty({ example: 'Unauthorized' }) error!: string;
  @ApiProperty({ example: 'email or password is incorrect' }) message!: string;
  @ApiProperty({ enum: ERROR_CODES, example: 'invalid_credentials' })
  code!: ErrorCode;
}

import { ApiProperty } from '@nestjs/swagger';
import { ErrorCode } from '../errors/error-code';

/** The body of every error answer. */
export class ErrorResponseDto {
  @ApiProperty({ example: 401 }) statusCode!: number;
  @ApiProperty({ example: 'Unauthorized' }) error!: string;
  @ApiProperty({ example: 'email or password is incorrect' }) message!: string;
  @ApiProperty({ enum: Object.values(ErrorCode), example: ErrorCode.InvalidCredentials })
  code!: ErrorCode;
}

import { ApiProperty } from '@nestjs/swagger';

/** The answer to a request whose outcome comes by mail: the same whatever the account. */
export class AcceptedDto {
  @ApiProperty({ example: 'if an account can receive it, a message is on its way' })
  message!: string;
}

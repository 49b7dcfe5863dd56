import { join } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfigService } from '../config';
import { MailNoticesListener } from './mail-notices.listener';
import { MailService } from './mail.service';
import { OutboxCleanupJob } from './outbox-cleanup.job';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxWorker } from './outbox.worker';
import { MailTransport } from './transport/mail-transport';
import { OutboxFolderTransport } from './transport/outbox-folder.transport';
import { SmtpTransport } from './transport/smtp.transport';

/**
 * Mail: what each message says, the outbox and its worker, and the transport (SMTP_URL, or .eml files in
 * DATA_DIR/outbox in development). Global: the account flows queue mail, and notices follow events.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessage])],
  providers: [
    {
      provide: MailTransport,
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => {
        const { smtpUrl } = config.section('mail');
        return smtpUrl
          ? new SmtpTransport(smtpUrl)
          : new OutboxFolderTransport(join(config.section('app').dataDir, 'outbox'));
      },
    },
    OutboxRepository,
    OutboxWorker,
    MailService,
    MailNoticesListener,
    OutboxCleanupJob,
  ],
  exports: [MailService, OutboxRepository],
})
export class MailModule {}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { MailTransport, type OutgoingMail } from './mail-transport';

/**
 * Development without SMTP_URL: each message is written to DATA_DIR/outbox/ as an .eml file (open it with any mail
 * program), and its links are logged, so the flows can be followed from a terminal.
 */
export class OutboxFolderTransport extends MailTransport {
  private readonly logger = new Logger('Mail');
  private readonly builder: Transporter;

  constructor(private readonly folder: string) {
    super();
    this.builder = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const built = (await this.builder.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<${mail.id}@portcullis>`,
    })) as { message: Buffer };
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    const file = join(
      this.folder,
      `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.id}.eml`,
    );
    writeFileSync(file, built.message, { mode: 0o600 });
    const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
    this.logger.log(
      `mail to ${mail.to}: "${mail.subject}" written to ${file}${links.length ? `; link: ${links.join(' ')}` : ''}`,
    );
  }

  close(): void {
    this.builder.close();
  }
}

import { createTransport, type Transporter } from 'nodemailer';
import { MailTransport, type OutgoingMail } from './mail-transport';

/**
 * SMTP through nodemailer: `smtp://` upgrades with STARTTLS when the server offers it (`?requireTLS=true` refuses
 * plain), `smtps://` is TLS from the first byte. Short timeouts: a stalled server delays a retry, not the worker.
 */
export class SmtpTransport extends MailTransport {
  private readonly transporter: Transporter;

  constructor(url: string) {
    super();
    const timeouts = new URL(url);
    for (const [name, ms] of [
      ['connectionTimeout', '10000'],
      ['greetingTimeout', '10000'],
      ['socketTimeout', '20000'],
    ]) {
      if (!timeouts.searchParams.has(name)) timeouts.searchParams.set(name, ms);
    }
    this.transporter = createTransport(timeouts.toString());
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<${mail.id}@portcullis>`,
    });
  }

  close(): void {
    this.transporter.close();
  }
}

/** Every kind of mail this server sends. */
export type MailKind =
  | 'verify_email'
  | 'reset_password'
  | 'invitation'
  | 'change_email_confirm'
  | 'change_email_notice'
  | 'password_changed'
  | 'account_locked'
  | 'account_deleted'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'recovery_code_used'
  | 'recovery_codes_regenerated';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** What the messages may say, besides the application's name. */
export interface MailParameters {
  appName: string;
  /** A link with a token (verification, reset, email-change confirmation). */
  link?: string;
  /** The new address of an email change. */
  newEmail?: string;
  /** When a lock ends (epoch ms). */
  until?: number;
  /** How long the link works, seconds. */
  ttlSeconds?: number;
  /** Recovery codes left unused. */
  remaining?: number;
  /** An administrator did it, not the user. */
  byAdministrator?: boolean;
}

/** 90 → "2 minutes", 86400 → "24 hours", 604800 → "7 days": the lifetime of a link, in words, rounded up. */
export function describeDuration(seconds: number): string {
  const [value, unit] =
    seconds > 172_800
      ? [Math.ceil(seconds / 86_400), 'day']
      : seconds >= 7200
        ? [Math.ceil(seconds / 3600), 'hour']
        : seconds >= 120
          ? [Math.ceil(seconds / 60), 'minute']
          : [seconds, 'second'];
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * One message from paragraphs: the plain-text part, and an HTML part with the same words (links as links).
 * Every inserted value is escaped.
 */
function message(subject: string, paragraphs: Array<string | { link: string; label: string }>) {
  const text = paragraphs
    .map((paragraph) =>
      typeof paragraph === 'string' ? paragraph : `${paragraph.label}:\n${paragraph.link}`,
    )
    .join('\n\n');
  const body = paragraphs
    .map((paragraph) =>
      typeof paragraph === 'string'
        ? `<p>${escapeHtml(paragraph)}</p>`
        : `<p><a href="${escapeHtml(paragraph.link)}">${escapeHtml(paragraph.label)}</a></p>`,
    )
    .join('\n');
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>\n${body}\n</body></html>`;
  return { subject, text: `${text}\n`, html };
}

const IGNORE = 'If you did not ask for this, ignore this message: nothing changes.';
const NOT_YOU =
  'If this was not you, reset your password at once and contact the people who run this service.';

/** What each mail says. Links come from PUBLIC_URL, VERIFY_EMAIL_URL or RESET_PASSWORD_URL only. */
export function composeMail(kind: MailKind, p: MailParameters): MailContent {
  const app = p.appName;
  switch (kind) {
    case 'verify_email':
      return message(`Confirm your email address for ${app}`, [
        `Welcome to ${app}. Confirm that this address is yours:`,
        { link: p.link!, label: 'Confirm my email address' },
        `The link works once, for ${describeDuration(p.ttlSeconds!)}. ${IGNORE}`,
      ]);
    case 'reset_password':
      return message(`Reset your ${app} password`, [
        `Someone (we hope you) asked to reset the password of your ${app} account.`,
        { link: p.link!, label: 'Choose a new password' },
        `The link works once, for ${describeDuration(p.ttlSeconds!)}; only the newest link works. ${IGNORE}`,
      ]);
    case 'invitation':
      return message(`You are invited to ${app}`, [
        `An administrator of ${app} made an account for this address. Choose its password to start:`,
        { link: p.link!, label: 'Choose my password' },
        `The link works once, for ${describeDuration(p.ttlSeconds!)}. ${IGNORE}`,
      ]);
    case 'change_email_confirm':
      return message(`Confirm your new email address for ${app}`, [
        `Your ${app} account asked to use this address from now on. Confirm that it is yours:`,
        { link: p.link!, label: 'Use this email address' },
        `The address changes only when you confirm, within ${describeDuration(p.ttlSeconds!)}. ${IGNORE}`,
      ]);
    case 'change_email_notice':
      return message(`Your ${app} email address is about to change`, [
        `Someone signed in to your ${app} account asked to move it to ${p.newEmail}. The change happens when that address confirms it.`,
        NOT_YOU,
      ]);
    case 'password_changed':
      return message(`Your ${app} password was changed`, [
        `The password of your ${app} account was just changed, and its other sessions were signed out.`,
        NOT_YOU,
      ]);
    case 'account_locked':
      return message(`Your ${app} account is locked for a while`, [
        `There were too many wrong passwords for your ${app} account, so sign-in is paused until ${new Date(p.until!).toUTCString()}.`,
        `If this was not you, someone may be guessing your password: once the pause ends, consider resetting it.`,
      ]);
    case 'mfa_enabled':
      return message(`Two-factor sign-in is on for your ${app} account`, [
        `Signing in to your ${app} account now also asks for a code of your authenticator app. Keep your recovery codes somewhere safe: each one signs in once if you lose the app.`,
        NOT_YOU,
      ]);
    case 'mfa_disabled':
      return message(`Two-factor sign-in is off for your ${app} account`, [
        p.byAdministrator
          ? `An administrator of ${app} turned off two-factor sign-in for your account: your password alone signs in now. Turn it on again from your account.`
          : `Two-factor sign-in was turned off for your ${app} account: your password alone signs in now.`,
        NOT_YOU,
      ]);
    case 'recovery_code_used':
      return message(`A recovery code was used to sign in to ${app}`, [
        `Someone signed in to your ${app} account with one of its recovery codes. ${p.remaining} unused code${p.remaining === 1 ? ' is' : 's are'} left; you can make new ones from your account.`,
        NOT_YOU,
      ]);
    case 'recovery_codes_regenerated':
      return message(`New recovery codes for your ${app} account`, [
        `New recovery codes were made for your ${app} account; the old ones no longer work.`,
        NOT_YOU,
      ]);
    case 'account_deleted':
      return message(`Your ${app} account was deleted`, [
        `Your ${app} account and its sessions were deleted. This address can register again.`,
        `If this was not you, contact the people who run this service.`,
      ]);
  }
}

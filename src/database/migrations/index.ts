import { CreateUsers1763798400000 } from './1763798400000-create-users';
import { CreateSessions1763798500000 } from './1763798500000-create-sessions';
import { CreateHealthChecks1764460800000 } from './1764460800000-create-health-checks';
import { NormalizeEmails1764547200000 } from './1764547200000-normalize-emails';
import { AccountLifecycle1764633600000 } from './1764633600000-account-lifecycle';
import { AccessControl1764720000000 } from './1764720000000-access-control';
import { TwoFactor1764806400000 } from './1764806400000-two-factor';
import { SigningKeys1764892800000 } from './1764892800000-signing-keys';
import { IndexesAtScale1764979200000 } from './1764979200000-indexes-at-scale';

/** Every migration, oldest first. A new migration is added here as well as in this folder. */
export const MIGRATIONS = [
  CreateUsers1763798400000,
  CreateSessions1763798500000,
  CreateHealthChecks1764460800000,
  NormalizeEmails1764547200000,
  AccountLifecycle1764633600000,
  AccessControl1764720000000,
  TwoFactor1764806400000,
  SigningKeys1764892800000,
  IndexesAtScale1764979200000,
];

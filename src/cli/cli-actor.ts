import type { Actor } from '../admin/admin-users.service';

/** Who acts when an operator runs a command: events filed by the CLI carry `actorId: "cli"`. */
export const CLI_ACTOR: Actor = { id: 'cli' };

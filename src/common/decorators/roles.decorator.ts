import { SetMetadata } from '@nestjs/common';

export const ROLES_KEY = 'portcullis:roles';

/** Requires the caller to hold at least one of these roles. A method's list replaces its controller's. */
export const Roles = (...roles: string[]) => SetMetadata(ROLES_KEY, roles);

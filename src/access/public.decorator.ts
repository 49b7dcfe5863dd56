import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'portcullis:isPublic';

/** Opts a route (or a controller) out of the global AccessGuard. Everything else requires a credential. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

import { RefreshTokenEntity } from '../modules/auth/refresh-token.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';

/** Every entity, registered once for the data source. */
export const ENTITIES = [UserEntity, RefreshTokenEntity];

import { CursorQuery, LimitQuery } from '../../http/page-query';

export class EventsQueryDto {
  @LimitQuery() limit?: number;
  @CursorQuery() cursor?: string;
}

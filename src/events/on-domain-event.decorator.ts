import { Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEventMap, DomainEventName } from './domain-event-map';

type Listener<K extends DomainEventName> = (payload: DomainEventMap[K]) => Promise<void> | void;

/**
 * Marks a provider method as a listener of one domain event, typed by the event map. A failing listener is logged
 * with the event's name and never rethrown: a consequence (an audit row, a notice mail) must not fail the request
 * that caused it.
 */
export function OnDomainEvent<K extends DomainEventName>(name: K) {
  return <T extends Listener<K>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): void => {
    const listener = descriptor.value!;
    const logger = new Logger(target.constructor.name);
    descriptor.value = async function (this: unknown, payload: DomainEventMap[K]) {
      try {
        await listener.call(this, payload);
      } catch (error) {
        const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
        logger.error(`listener ${String(key)} of ${name} failed: ${reason}`);
      }
    } as T;
    OnEvent(name)(target, key, descriptor);
  };
}

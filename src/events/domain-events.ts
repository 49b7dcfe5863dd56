import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { DomainEventMap, DomainEventName } from './domain-event-map';

/**
 * Emits domain events and waits for every listener to finish, so a request's consequences (an audit row, a queued
 * mail) are stored by the time its answer leaves, and a test can read them right after the response. Listeners
 * never fail the emitter (see OnDomainEvent).
 */
@Injectable()
export class DomainEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  async emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<void> {
    if (!this.emitter.hasListeners(name)) return;
    await this.emitter.emitAsync(name, payload);
  }
}

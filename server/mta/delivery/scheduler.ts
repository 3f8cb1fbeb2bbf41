import type { TimerHandle } from '../../core/clock.js';
import type { QueuedMessage, QueuedRecipient } from '../../queue/types.js';
import { MessageDelivery, type LoadedMessage, type MessageDeliveryOptions } from './message-delivery.js';

/** A place among the deliveries in flight, taken before the message is committed. */
export interface DeliverySlot {
  /** The message is committed with its recipients already 'active' (`deliveringNow`): deliver them. */
  start(loaded: LoadedMessage): void;
  /**
   * The delivery will not start (the enqueue failed, or something after it did): give
   * the place back; recipients the commit may have written 'active' become pending.
   */
  release(queueId: string): void;
}

/** The delivery scheduler as an MTA's accepting side sees it. */
export interface DeliveryHandoff {
  /** A slot for a message about to be committed, or undefined when deliveries are at capacity. */
  reserve(): DeliverySlot | undefined;
  /** Hand over a committed message whose recipients are still pending (they are claimed first). */
  deliverNow(message: QueuedMessage, raw: Buffer): void;
}

export interface SchedulerOptions extends Omit<MessageDeliveryOptions, 'retryScheduleMinutes' | 'delayWarningMinutes'> {
  /** Read at each delivery, so a scenario can change the schedule of a running world. */
  retryScheduleMinutes: () => number[];
  delayWarningMinutes?: () => number[];
  /** Messages being worked on at once. */
  maxInFlight?: number;
}

/**
 * Takes due recipients off the queue and hands each message to a MessageDelivery.
 * It wakes when told there is new mail (`kick`), when a delivery finishes, and at the
 * world-clock time of the earliest retry — so a stepped clock holds retries back and
 * a scaled one makes an hour pass in seconds.
 */
export class DeliveryScheduler implements DeliveryHandoff {
  private readonly maxInFlight: number;
  private inFlight = 0;
  private passScheduled = false;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  /** The last pass stopped because too much was in flight, not because nothing was due. */
  private stoppedAtCapacity = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.maxInFlight = opts.maxInFlight ?? 64;
  }

  kick(): void {
    if (this.stopped || this.passScheduled) return;
    this.passScheduled = true;
    setImmediate(() => {
      this.passScheduled = false;
      this.pass();
    });
  }

  /**
   * The fastest path, for a message the MTA is about to commit: take the place in
   * flight now, so the message can be written with its recipients already 'active'.
   * That saves the claim (a write) and keeps the recipients out of the scheduler's
   * scans of due work while they are being delivered.
   */
  reserve(): DeliverySlot | undefined {
    if (this.stopped || this.inFlight >= this.maxInFlight) return undefined;
    this.inFlight++;
    let used = false;
    return {
      start: (loaded) => {
        if (used) return;
        used = true;
        // On the next turn: the 250s of the group commit that just ended (each one
        // waiting behind every earlier message's delivery start) go out first.
        setImmediate(() => this.run(loaded.message.queueId, loaded.message.recipients, loaded));
      },
      release: (queueId) => {
        if (used) return;
        used = true;
        let putBack = 0;
        try {
          putBack = this.opts.queue.unclaim(queueId);
        } catch (err) {
          // The disk refuses this too: the next start's recovery puts them back.
          console.error(`could not put back the recipients of ${queueId}: ${(err as Error).message}`);
        }
        this.finished(putBack > 0);
      },
    };
  }

  /**
   * The fast path for a message just committed by the MTA: start on it at once with
   * what the MTA already holds, instead of reading it back from the queue. When too
   * much is in flight it simply waits in the queue for a pass like any other.
   */
  deliverNow(message: QueuedMessage, raw: Buffer): void {
    if (this.stopped || this.inFlight >= this.maxInFlight) {
      this.kick();
      return;
    }
    // A pass may have taken some of them already; deliver the ones that are ours.
    const claimed = new Set(this.opts.queue.claim(message.recipients.map((r) => r.recipientId)));
    const mine = message.recipients.filter((r) => claimed.has(r.recipientId));
    if (mine.length > 0) this.start(message.queueId, mine, { message, raw });
  }

  /** Stop taking work and wait for deliveries in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.opts.clock.clearTimer(this.timer);
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pass(): void {
    if (this.stopped) return;
    const now = this.opts.clock.now();
    this.stoppedAtCapacity = false;
    while (this.inFlight < this.maxInFlight) {
      const batchLimit = 512;
      const due = this.opts.queue.dueRecipients(now, batchLimit);
      if (due.length === 0) break;
      const claimed = new Set(this.opts.queue.claim(due.map((r) => r.recipientId)));
      const byMessage = new Map<string, QueuedRecipient[]>();
      for (const r of due) {
        if (claimed.has(r.recipientId)) byMessage.set(r.queueId, [...(byMessage.get(r.queueId) ?? []), r]);
      }
      for (const [queueId, recipients] of byMessage) this.start(queueId, recipients);
      // Fewer than asked for: nothing else is due, no need to ask again.
      if (due.length < batchLimit) break;
    }
    if (this.inFlight >= this.maxInFlight) this.stoppedAtCapacity = true;
    this.scheduleWakeUp(now, true);
  }

  private start(queueId: string, recipients: QueuedRecipient[], loaded?: LoadedMessage): void {
    this.inFlight++;
    this.run(queueId, recipients, loaded);
  }

  /** Deliver recipients that are 'active' and counted in flight already. */
  private run(queueId: string, recipients: QueuedRecipient[], loaded?: LoadedMessage): void {
    let newWork = false;
    // Built inside the chain: a throw while setting up is put back like any other failure.
    Promise.resolve()
      .then(() =>
        new MessageDelivery({
          ...this.opts,
          retryScheduleMinutes: this.opts.retryScheduleMinutes(),
          delayWarningMinutes: this.opts.delayWarningMinutes?.(),
        }).run(queueId, recipients, loaded),
      )
      .then((result) => (newWork = result.newRecipients))
      .catch((err: unknown) => this.putBack(queueId, recipients, err))
      .finally(() => this.finished(newWork));
  }

  private finished(newWork: boolean): void {
    this.inFlight--;
    if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    // Only a pass that left due work behind needs another look now; new mail,
    // expansions and retries kick the scheduler themselves.
    if (this.stoppedAtCapacity || newWork) this.kick();
    else this.scheduleWakeUp(this.opts.clock.now());
  }

  /**
   * MessageDelivery reports per-recipient problems itself; an exception here is a
   * bug or a failing disk. Recipients it did not finish go back to the queue as
   * deferred (with the reason), so they are retried rather than left 'active'.
   */
  private async putBack(queueId: string, recipients: QueuedRecipient[], err: unknown): Promise<void> {
    const reason = err instanceof Error ? err.message : String(err);
    console.error(`delivery of ${queueId} failed unexpectedly: ${reason}`);
    const retryAt = this.opts.clock.now() + (this.opts.retryScheduleMinutes()[0] ?? 1) * 60_000;
    for (const r of recipients) {
      await this.opts.queue
        .markDeferred(r.recipientId, {
          channel: 'internal',
          code: 451,
          text: `4.3.0 internal error: ${reason}`,
          nextAttemptAt: retryAt,
        })
        .catch(() => undefined); // the queue itself failing: recovery at the next start puts them back
    }
  }

  private scheduleWakeUp(now: number, afterPass = false): void {
    this.opts.clock.clearTimer(this.timer);
    this.timer = undefined;
    const next = this.opts.queue.nextDueAt();
    if (next === undefined) return;
    if (next > now) {
      this.timer = this.opts.clock.setTimerAt(next, () => this.kick());
      return;
    }
    // Already due. After a pass that means claimed-but-uncommitted work (nothing to do)
    // or a pass stopped at capacity (a finishing delivery kicks). After a delivery it
    // may be real work that became due meanwhile (the clock was advanced): look.
    if (!afterPass && !this.stoppedAtCapacity && this.opts.queue.dueRecipients(now, 1).length > 0) this.kick();
  }
}

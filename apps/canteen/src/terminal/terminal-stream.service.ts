import { Injectable } from '@nestjs/common';
import { auditTime, concatMap, from, map, merge, Observable } from 'rxjs';
import { MealActivityBus } from '../scanning/meal-activity.bus';
import { CanteenInfo } from '../scanning/meal.repository';
import { TerminalService } from './terminal.service';

/** One Server-Sent Event. */
export interface StreamEvent {
  event: 'verification' | 'scan' | 'summary';
  data: object;
}

/** How often a comment line keeps the stream (and proxies) alive. */
export const STREAM_HEARTBEAT_MS = 15_000;
/** Bursts of activity produce at most one summary per this window. */
const SUMMARY_WINDOW_MS = 150;

/**
 * The live feed of a canteen for its terminals: each verification and scan as it happens (pushed from the
 * MealActivityBus, which MealActivityFanout feeds with the activity of the service's other processes and hosts),
 * followed by the new counts per slot (at most one summary per 150 ms burst).
 */
@Injectable()
export class TerminalStreamService {
  constructor(
    private readonly bus: MealActivityBus,
    private readonly terminals: TerminalService,
  ) {}

  events(canteen: CanteenInfo): Observable<StreamEvent> {
    const activity = this.bus.forCanteen(canteen.id);
    const items = activity.pipe(map((a): StreamEvent => ({ event: a.kind, data: a })));
    const summaries = activity.pipe(
      auditTime(SUMMARY_WINDOW_MS),
      concatMap(() => from(this.terminals.summaryOf(canteen))),
      map((s): StreamEvent => ({ event: 'summary', data: s })),
    );
    return merge(items, summaries);
  }
}

/** The wire form of one event. */
export function formatSse(e: StreamEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

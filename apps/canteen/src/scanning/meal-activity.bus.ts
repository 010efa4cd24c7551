import { Injectable } from '@nestjs/common';
import { Observable, Subject, filter } from 'rxjs';

/** Something that happened at a canteen, for the live terminal page. */
export interface MealActivity {
  kind: 'verification' | 'scan';
  canteenId: string;
  /** 'accepted' or a refusal code for verifications; 'scanned' for scans. */
  result: string;
  message?: string;
  mealId?: string;
  dinerName?: string;
  unitName?: string;
  slot?: string;
  slotLabel?: string;
  priceFen?: number;
  payer?: 'self' | 'unit';
  mealDate?: string;
  /** ISO instant. */
  at: string;
  offline?: boolean;
}

/**
 * The bus of scans and verifications, fed by the scan and verification services (not by polling). What this
 * process handles is shown to its own terminal streams at once and handed to MealActivityFanout, which carries it
 * to the other processes and hosts of the service; what they handle comes back in through `deliver`.
 */
@Injectable()
export class MealActivityBus {
  private readonly all = new Subject<MealActivity>();
  private readonly handledHere = new Subject<MealActivity>();

  /** Activity handled by this process. */
  emit(activity: MealActivity): void {
    this.all.next(activity);
    this.handledHere.next(activity);
  }

  /** Activity handled by another process of the service (from the fan-out): shown here, not sent on again. */
  deliver(activity: MealActivity): void {
    this.all.next(activity);
  }

  /** What this process handled, for the fan-out. */
  handledHere$(): Observable<MealActivity> {
    return this.handledHere.asObservable();
  }

  forCanteen(canteenId: string): Observable<MealActivity> {
    const id = canteenId.toLowerCase();
    return this.all.asObservable().pipe(filter((a) => a.canteenId.toLowerCase() === id));
  }
}

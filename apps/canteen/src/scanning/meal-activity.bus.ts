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

/** In-process bus of scans and verifications, fed by the scan and verification services (not by polling). */
@Injectable()
export class MealActivityBus {
  private readonly subject = new Subject<MealActivity>();

  emit(activity: MealActivity): void {
    this.subject.next(activity);
  }

  forCanteen(canteenId: string): Observable<MealActivity> {
    const id = canteenId.toLowerCase();
    return this.subject.asObservable().pipe(filter((a) => a.canteenId.toLowerCase() === id));
  }
}

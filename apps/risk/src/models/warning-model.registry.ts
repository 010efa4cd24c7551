import { DuplicateSubsidyModel } from './duplicate-subsidy.model';
import { MutualTreatingModel } from './mutual-treating.model';
import { ProxyOrFakeScanModel } from './proxy-or-fake-scan.model';
import { SameCityReceptionModel } from './same-city-reception.model';
import { TwoMealsOneSlotModel } from './two-meals-one-slot.model';
import { UnusualFlowModel } from './unusual-flow.model';
import { WarningModel } from './warning-model';

/** Every warning model, by key (the live version of each). */
export const WARNING_MODELS: readonly WarningModel<object>[] = [
  new TwoMealsOneSlotModel(),
  new DuplicateSubsidyModel(),
  new ProxyOrFakeScanModel(),
  new SameCityReceptionModel(),
  new MutualTreatingModel(),
  new UnusualFlowModel(),
] as unknown as readonly WarningModel<object>[];

export function findWarningModel(key: string): WarningModel<object> | undefined {
  return WARNING_MODELS.find((m) => m.key === key);
}

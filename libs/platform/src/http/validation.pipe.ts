import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidatorOptions } from 'class-validator';
import { CONTRACT_VALIDATOR_OPTIONS, flattenContractErrors, passesCompiledContractCheck } from '@meal/contracts';

/**
 * Nest's ValidationPipe with the contracts' compiled check first: a body that certainly meets its DTO (the compiled
 * check the Kafka consumers run on every event) skips class-validator's per-call metadata walk; anything else goes
 * through class-validator, which gives the errors. The options are the contracts' own (CONTRACT_VALIDATOR_OPTIONS), so
 * a command is validated the same way whether it comes by HTTP or by Kafka.
 */
class ContractValidationPipe extends ValidationPipe {
  protected override validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> | ValidationError[] {
    if (passesCompiledContractCheck(object)) return [];
    return super.validate(object, validatorOptions);
  }
}

/**
 * The one validation pipe of every HTTP route: unknown fields are refused (not silently dropped), types are
 * checked strictly, and the error names each field and why.
 */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
    ...CONTRACT_VALIDATOR_OPTIONS,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const details = flattenContractErrors(errors);
      return new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: details.map((d) => `${d.field}: ${d.message}`).join('; '),
        details,
      });
    },
  });
}

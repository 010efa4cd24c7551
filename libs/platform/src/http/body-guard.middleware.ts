import { BadRequestException } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';

/** The deepest nesting of arrays and objects a request body may have; real bodies are 3–4 levels deep. */
export const MAX_BODY_DEPTH = 32;

/** Keys class-transformer skips, so the validation whitelist never sees (and never refuses) them. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const NUL = '\u0000';

type BodyProblem = { kind: 'depth' } | { kind: 'field'; field: string; message: string };

/** Walks a parsed body without recursion; the first problem found, or undefined. */
function findProblem(body: unknown): BodyProblem | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value === 'string') {
      if (value.includes(NUL)) return { kind: 'field', field: path || 'body', message: 'must not contain the NUL character (U+0000)' };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) return { kind: 'depth' };
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return { kind: 'field', field, message: `property ${key} should not exist` };
      if (key.includes(NUL)) return { kind: 'field', field: path || 'body', message: 'a property name contains the NUL character (U+0000)' };
      stack.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * Runs right after the body parsers and refuses what the validation pipe cannot: a body nested deeper than
 * MAX_BODY_DEPTH (class-transformer recurses and overflows the stack: a 500), text with U+0000 (PostgreSQL cannot
 * store it in text or jsonb: a 500 at the INSERT), and `__proto__` / `constructor` / `prototype` keys (skipped by
 * class-transformer, so they slipped past the unknown-field check).
 */
export function bodyGuard(req: Request, _res: Response, next: NextFunction): void {
  const problem = findProblem(req.body);
  if (!problem) return next();
  if (problem.kind === 'depth') {
    return next(new BadRequestException({ code: 'BODY_TOO_DEEP', message: `The request body is nested deeper than ${MAX_BODY_DEPTH} levels` }));
  }
  return next(
    new BadRequestException({ code: 'VALIDATION_FAILED', message: `${problem.field}: ${problem.message}`, details: [{ field: problem.field, message: problem.message }] }),
  );
}

import type { ZodError } from 'zod';

/** "gateway.batchMax: Number must be less than or equal to 4096; foo: Unrecognized key" */
export function formatZodIssues(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

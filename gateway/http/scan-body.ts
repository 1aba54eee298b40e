import { z } from 'zod';
import { ScangateError } from '../../core/errors.js';

/**
 * POST /v1/scans body. The code is any string (verification decides, and answers `invalid`),
 * bounded so nothing large is carried further; unknown fields are ignored for older and newer
 * clients alike. A location needs both coordinates.
 */
const scanBodySchema = z
  .object({
    code: z.string().max(256),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  })
  .refine((body) => (body.lat === undefined) === (body.lon === undefined), 'lat and lon go together');

export type ScanBody = z.infer<typeof scanBodySchema>;

export function parseScanBody(body: unknown): ScanBody {
  const result = scanBodySchema.safeParse(body);
  if (!result.success) throw new ScangateError('GW_ERR_BAD_REQUEST', result.error.issues[0]?.message);
  return result.data;
}

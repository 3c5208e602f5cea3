import { z } from "zod";

/** Form posts carry text; JSON bodies may carry numbers. */
const coordinate = (name: string, limit: number) =>
  z
    .union(
      [
        z.number().finite(),
        z
          .string()
          .regex(/^-?\d{1,3}(\.\d{1,15})?$/, `${name} must be a decimal number`)
          .transform(Number),
      ],
      { message: `${name} is required as a decimal number (this server does not geocode address_string)` },
    )
    .refine((n) => Math.abs(n) <= limit, `${name} must be within -${limit}..${limit}`);

const optionalText = (max: number) => z.string().max(max).optional();

/**
 * POST Service Request (GeoReport v2). Unknown fields such as `attribute[...]` are accepted
 * and ignored, as the specification allows; contact details are accepted but not stored.
 */
export const postRequestInput = z.looseObject({
  api_key: z.string({ message: "api_key is required to submit a service request" }).min(1).max(200),
  jurisdiction_id: optionalText(200),
  service_code: z.string({ message: "service_code is required" }).min(1).max(64),
  lat: coordinate("lat", 90),
  long: coordinate("long", 180),
  address_string: optionalText(500),
  address_id: optionalText(200),
  description: optionalText(4000),
  email: optionalText(320),
  device_id: optionalText(200),
  account_id: optionalText(200),
  first_name: optionalText(200),
  last_name: optionalText(200),
  phone: optionalText(50),
  media_url: optionalText(2048),
});
export type PostRequestInput = z.infer<typeof postRequestInput>;

const isoDate = z
  .string()
  .refine(
    (s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}/.test(s),
    "must be a W3C/ISO 8601 date-time",
  )
  .transform((s) => new Date(s));

export const listRequestsInput = z.strictObject({
  jurisdiction_id: optionalText(200),
  api_key: optionalText(200),
  service_request_id: z
    .string()
    .regex(/^\d{1,15}(,\d{1,15}){0,199}$/, "service_request_id must be comma-separated numbers")
    .transform((s) => s.split(",").map(Number))
    .optional(),
  service_code: z
    .string()
    .max(2000)
    .transform((s) => s.split(",").filter(Boolean))
    .optional(),
  start_date: isoDate.optional(),
  end_date: isoDate.optional(),
  status: z
    .string()
    .regex(/^(open|closed)(,(open|closed))?$/, "status must be open, closed or open,closed")
    .transform((s) => s.split(",") as ("open" | "closed")[])
    .optional(),
});
export type ListRequestsInput = z.infer<typeof listRequestsInput>;

export const requestIdParams = z.strictObject({ id: z.string().max(30) });
export const anyQuery = z.record(z.string(), z.unknown());

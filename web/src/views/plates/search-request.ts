import type { PlateSearch } from "../../api/plates-api.js";

/** The purpose select's value for "describe it yourself". */
export const OTHER_PURPOSE = "__other__";
export const MIN_PURPOSE_TEXT = 10;

export interface SearchFormValues {
  purpose: string;
  purposeText: string;
  caseReference: string;
  plate: string;
  partial: boolean;
  checkpointId: string;
  /** ISO 8601 or null when not chosen. */
  from: string | null;
  to: string | null;
}

export type SearchFormError =
  | "plates.search.needPurpose"
  | "plates.search.needCase"
  | "plates.search.needPlateOrCheckpoint"
  | "plates.search.needTimes";

/**
 * The request for a filled-in search form, or why it cannot be sent. The purpose and the case
 * reference are checked here first, so an unjustified search never leaves the browser (the
 * server refuses it too).
 */
export function searchRequest(values: SearchFormValues): PlateSearch | SearchFormError {
  const purposeText = values.purposeText.trim();
  const listed = values.purpose !== "" && values.purpose !== OTHER_PURPOSE;
  if (!listed && (values.purpose !== OTHER_PURPOSE || purposeText.length < MIN_PURPOSE_TEXT)) {
    return "plates.search.needPurpose";
  }
  const caseReference = values.caseReference.trim();
  if (caseReference === "") return "plates.search.needCase";
  const plate = values.plate.trim();
  if (plate === "" && values.checkpointId === "") return "plates.search.needPlateOrCheckpoint";
  if (!values.from || !values.to) return "plates.search.needTimes";
  const request: PlateSearch = { from: values.from, to: values.to, caseReference };
  if (listed) request.purposeCode = values.purpose;
  else request.purposeText = purposeText;
  if (plate !== "") {
    request.plate = plate;
    if (values.partial) request.match = "partial";
  }
  if (values.checkpointId !== "") request.checkpointId = values.checkpointId;
  return request;
}

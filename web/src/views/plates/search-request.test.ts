import { describe, expect, it } from "vitest";
import { OTHER_PURPOSE, type SearchFormValues, searchRequest } from "./search-request.js";

const filled: SearchFormValues = {
  purpose: "case_investigation",
  purposeText: "",
  caseReference: " 2026-XS-0042 ",
  plate: "浙A12345",
  partial: false,
  checkpointId: "",
  from: "2026-03-01T00:00:00.000Z",
  to: "2026-03-02T00:00:00.000Z",
};

describe("searchRequest", () => {
  it("builds the request with a listed purpose and a trimmed case reference", () => {
    expect(searchRequest(filled)).toEqual({
      from: filled.from,
      to: filled.to,
      caseReference: "2026-XS-0042",
      purposeCode: "case_investigation",
      plate: "浙A12345",
    });
  });

  it("refuses a search without a purpose", () => {
    expect(searchRequest({ ...filled, purpose: "" })).toBe("plates.search.needPurpose");
  });

  it("accepts a described purpose only from 10 characters", () => {
    expect(searchRequest({ ...filled, purpose: OTHER_PURPOSE, purposeText: "too short" })).toBe(
      "plates.search.needPurpose",
    );
    expect(
      searchRequest({ ...filled, purpose: OTHER_PURPOSE, purposeText: "witness saw the car leave" }),
    ).toMatchObject({
      purposeText: "witness saw the car leave",
    });
  });

  it("refuses a search without a case reference", () => {
    expect(searchRequest({ ...filled, caseReference: "   " })).toBe("plates.search.needCase");
  });

  it("needs a plate or a checkpoint, and both times", () => {
    expect(searchRequest({ ...filled, plate: "" })).toBe("plates.search.needPlateOrCheckpoint");
    expect(searchRequest({ ...filled, plate: "", checkpointId: "CP-1" })).toMatchObject({
      checkpointId: "CP-1",
    });
    expect(searchRequest({ ...filled, to: null })).toBe("plates.search.needTimes");
  });

  it("asks for a partial match only when ticked", () => {
    expect(searchRequest({ ...filled, plate: "A123", partial: true })).toMatchObject({
      plate: "A123",
      match: "partial",
    });
  });
});

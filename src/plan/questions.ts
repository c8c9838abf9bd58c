import type { Feature, Release } from "../model/schema.js";
import { featureLabel, isCounted, sortedFeatures } from "./summary.js";

/** What `!intervene` records, in the words of the seed mail's three options. */
export const INTERVENTIONS = {
  effort: "more effort from the community",
  resources: "outside resources",
  slip: "slip the schedule",
} as const;
export type Intervention = keyof typeof INTERVENTIONS;

/** The questions are asked once a release manager has marked what is needed or recorded an answer. */
export function asksQuestions(release: Pick<Release, "features">): boolean {
  return Object.values(release.features).some((feature) => feature.needed === true || (feature.intervention ?? null) !== null);
}

/** Needed features that are fair or at risk (a parent counts when any sub-item is): question 2's list. */
export function neededAtRisk(release: Pick<Release, "features">): Feature[] {
  return sortedFeatures(release).filter((feature) => {
    if (feature.needed !== true) return false;
    if (isCounted(release, feature)) return feature.bucket === "fair" || feature.bucket === "at-risk";
    return Object.values(release.features).some((kid) => kid.parent === feature.id && (kid.bucket === "fair" || kid.bucket === "at-risk"));
  });
}

/**
 * The seed mail's two questions, with the needed features that are fair or at risk under the
 * second one and, for each, the answer recorded so far.
 */
export function questionLines(release: Pick<Release, "features">): { text: string; items: string[] }[] {
  const items = neededAtRisk(release).map((feature) => {
    const answer = feature.intervention;
    return answer ? `${featureLabel(feature)}: ${INTERVENTIONS[answer.kind]}: ${answer.text}` : `${featureLabel(feature)}: no answer yet`;
  });
  return [
    { text: "1. Are there features we absolutely need that are not on the list?", items: [] },
    {
      text: "2. Are any fair or at-risk features important enough to intervene in: more effort from the community, outside resources, or slip the schedule?",
      items: items.length > 0 ? [`Needed and fair or at risk:`, ...items] : [],
    },
  ];
}

/** As plain lines, for the mail export. */
export function questionText(release: Pick<Release, "features">): string {
  return questionLines(release)
    .flatMap(({ text, items }) => [text, ...items.map((item, index) => (index === 0 ? `   ${item}` : `   * ${item}`))])
    .join("\n");
}

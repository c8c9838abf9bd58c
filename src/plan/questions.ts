import type { Feature, Release } from "../model/schema.js";
import { own } from "../util/own.js";
import { childIds } from "./children-index.js";
import { featureLabel, featureList, isCounted, sortedFeatures } from "./summary.js";

/** What `!intervene` records, in the words of the seed mail's three options. */
export const INTERVENTIONS = {
  effort: "more effort from the community",
  resources: "outside resources",
  slip: "slip the schedule",
} as const;
export type Intervention = keyof typeof INTERVENTIONS;

/** The questions are asked once a release manager has marked what is needed or recorded an answer. */
export function asksQuestions(release: Pick<Release, "features">, features: readonly Feature[] = featureList(release)): boolean {
  return features.some((feature) => feature.needed === true || (feature.intervention ?? null) !== null);
}

/** Needed features that are fair or at risk (a parent counts when any sub-item is): question 2's list. */
export function neededAtRisk(release: Pick<Release, "features">, features?: readonly Feature[]): Feature[] {
  const shaky = (feature: Feature | undefined) => feature !== undefined && (feature.bucket === "fair" || feature.bucket === "at-risk");
  return sortedFeatures(release, features).filter((feature) => {
    if (feature.needed !== true) return false;
    if (isCounted(release, feature)) return shaky(feature);
    // Its sub-items from the index, not a pass over the whole release per needed feature.
    return [...childIds(release.features, feature.id)].some((kid) => shaky(own(release.features, kid)));
  });
}

/**
 * The seed mail's two questions, with the needed features that are fair or at risk under the
 * second one and, for each, the answer recorded so far.
 */
export function questionLines(release: Pick<Release, "features">, features?: readonly Feature[]): { text: string; items: string[] }[] {
  const items = neededAtRisk(release, features).map((feature) => {
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

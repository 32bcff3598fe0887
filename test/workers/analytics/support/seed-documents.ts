// The seed README's "Real-Time Dashboard Subscriptions" documents, byte for byte (shared by the
// workerd tests and the e2e test against `npm run dev`; no imports, so Node can load it too).

/** "Subscribe to Evaluation Rates", byte for byte from the seed's README. */
export const SEED_RATES = `subscription {
  evaluationRates(input: {
    featureKey: "new_checkout_flow"
    environmentId: "production"
    intervalMinutes: 5
    durationHours: 2
  }) {
    timeBucket
    evaluationCount
    successCount
    successRate
    cacheHitRate
  }
}`;

/** "Subscribe to Evaluation Summary", byte for byte from the seed's README. */
export const SEED_SUMMARY = `subscription {
  evaluationSummary(input: {
    environmentId: "production"
    durationHours: 24
  }) {
    totalEvaluations
    successfulEvaluations
    successRate
    cacheHitRate
    generatedAt
  }
}`;

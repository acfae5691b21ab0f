// Filled in by the browser test harness.
export {};

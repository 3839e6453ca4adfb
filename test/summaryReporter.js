// Mocha's spec output, plus the closing line "N passed, N failed, N skipped" that CI reads in any language.
const Spec = require('mocha/lib/reporters/spec');

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      console.log(`${passes} passed, ${failures} failed, ${pending} skipped`);
    });
  }
}

module.exports = SpecWithSummary;

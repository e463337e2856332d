module.exports = require('./test/mocha-suites.cjs').mochaConfig();

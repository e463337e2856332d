module.exports = require('../mocha-suites.cjs').mochaConfig('unit');

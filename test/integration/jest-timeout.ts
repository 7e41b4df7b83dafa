// Integration tests talk to local servers on a shared machine: a guard against hangs, not a budget (jest.config.js).
jest.setTimeout(60_000);

// A scenario runs its platform for minutes of virtual time in beforeAll: seconds to a minute of real time.
jest.setTimeout(Number(process.env.MISYBOT_E2E_TIMEOUT_MS ?? 240_000));

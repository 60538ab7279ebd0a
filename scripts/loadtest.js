// Load test of POST /api/chat for k6 users: the same scenario as
// scripts/loadtest.sh (oha), which is what CI runs.
//
//   k6 run scripts/loadtest.js                       # a twin on 127.0.0.1:3000
//   BASE_URL=http://127.0.0.1:4000 k6 run scripts/loadtest.js
//   RATE=200 DURATION=5s k6 run scripts/loadtest.js  # a short run
//
// Start the twin offline first (`cargo run --release -- serve`, with no
// Upstash or Groq variables set): at 1,000 questions a second a twin with
// backends would spend its LLM quota in seconds. Point it at your own
// machine only.
//
// Constant arrival rate: RATE requests per second (default 1000) for
// DURATION (default 60s), whatever the latency, so a slow server shows up as
// latency instead of as fewer requests. The run fails (k6 exits non-zero)
// when any request fails or when p99 latency is 10 ms or more.

import http from 'k6/http';
import { check, fail } from 'k6';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
const RATE = parseInt(__ENV.RATE || '1000', 10);
const DURATION = __ENV.DURATION || '60s';
const MAX_P99_MS = parseFloat(__ENV.MAX_P99_MS || '10');

// The question names the first company of the profile, like loadtest.sh;
// open() resolves the path against this script's directory.
function question() {
  if (__ENV.QUESTION) return __ENV.QUESTION;
  try {
    const profile = JSON.parse(open('../data/digitaltwin.json'));
    return `What did you do at ${profile.experience[0].company}?`;
  } catch (_) {
    return 'What do you do now?';
  }
}

const BODY = JSON.stringify({ message: question() });
const PARAMS = {
  headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  timeout: '10s',
  tags: { name: 'POST /api/chat' },
};

export const options = {
  scenarios: {
    chat: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      // Enough virtual users for 1,000 req/s at up to ~64 ms each; k6 adds
      // more, up to maxVUs, if the server slows down.
      preAllocatedVUs: 64,
      maxVUs: 512,
    },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    http_req_duration: [`p(99)<${MAX_P99_MS}`],
    checks: ['rate==1'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
};

// Once, before the load: the twin is up and answers the question.
export function setup() {
  const health = http.get(`${BASE_URL}/api/health`, { timeout: '5s' });
  if (health.status !== 200) {
    fail(`${BASE_URL}/api/health answered ${health.status}: is the twin running?`);
  }
  const first = http.post(`${BASE_URL}/api/chat`, BODY, PARAMS);
  if (first.status !== 200) {
    fail(`the first POST /api/chat answered ${first.status}: ${first.body}`);
  }
  return { profileVersion: health.json('profile_version') };
}

export default function () {
  const res = http.post(`${BASE_URL}/api/chat`, BODY, PARAMS);
  check(res, {
    'status is 200': (r) => r.status === 200,
    'has an answer': (r) => r.status === 200 && typeof r.json('answer') === 'string',
  });
}

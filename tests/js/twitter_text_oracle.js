// The reference for tests/platforms/test_x_text.py: twitter-text 3.1.0 itself. Reads lines, each a
// JSON object {"op": "parseTweet" | "extractUrlsWithIndices", "texts": [...]}, and answers
// each with one line: a JSON array with, per text, {weightedLength, valid} or the entities
// [{url, indices}], or {error} when the library threw.
"use strict";
const path = require("path");
const readline = require("readline");

const lib = path.join(__dirname, "node_modules", "twitter-text", "dist");
const twitterText = require(lib);
// A global expression whose lastIndex survives a throw (punycode.js overflows on very long
// labels): left as is, the next text's URLs would be searched from the middle.
const extractUrl = require(path.join(lib, "regexp", "extractUrl"));

const ops = {
  parseTweet(text) {
    const parsed = twitterText.parseTweet(text);
    return { weightedLength: parsed.weightedLength, valid: parsed.valid };
  },
  extractUrlsWithIndices(text) {
    return twitterText.extractUrlsWithIndices(text).map(({ url, indices }) => ({ url, indices }));
  },
};

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const { op, texts } = JSON.parse(line);
  const answers = texts.map((text) => {
    try {
      return ops[op](text);
    } catch (error) {
      extractUrl.lastIndex = 0;
      return { error: String(error) };
    }
  });
  process.stdout.write(JSON.stringify(answers) + "\n");
});

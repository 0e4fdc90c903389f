// The official `@anthropic-ai/sdk` for Node against netclaw's gateway: plain, streamed, a tool
// round trip, and a wrong key refused. Prints one JSON report for the Rust test to check.
import Anthropic from "@anthropic-ai/sdk";

const [model] = process.argv.slice(2);
const base = process.env.GATEWAY_BASE;
const client = new Anthropic({ baseURL: base, apiKey: process.env.GATEWAY_KEY, maxRetries: 0 });
const report = {};

const plain = await client.messages.create({
  model, max_tokens: 100, messages: [{ role: "user", content: "say hi" }],
});
report.plain = plain.content[0].text;
report.stop = plain.stop_reason;

const stream = client.messages.stream({
  model, max_tokens: 100, messages: [{ role: "user", content: "say hi" }],
});
let streamed = "";
stream.on("text", (text) => { streamed += text; });
const final = await stream.finalMessage();
report.streamed = streamed;
report.streamed_stop = final.stop_reason;

const tools = [{ name: "get_weather", description: "weather in a city",
  input_schema: { type: "object", properties: { city: { type: "string" } } } }];
const messages = [{ role: "user", content: "weather in Paris?" }];
const first = await client.messages.create({ model, max_tokens: 100, tools, messages });
const call = first.content.find((block) => block.type === "tool_use");
report.tool = { name: call.name, input: call.input, stop: first.stop_reason };
messages.push({ role: "assistant", content: first.content },
  { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "sunny" }] });
const second = await client.messages.create({ model, max_tokens: 100, tools, messages });
report.after_tool = second.content[0].text;

try {
  await new Anthropic({ baseURL: base, apiKey: "wrong", maxRetries: 0 }).messages.create({
    model, max_tokens: 10, messages: [{ role: "user", content: "hi" }],
  });
  report.wrong_key = "accepted";
} catch (error) {
  report.wrong_key = error.status;
}
console.log(JSON.stringify(report));

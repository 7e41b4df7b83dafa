// What the doctor uses of the EventBridge SDK, loaded on first use (aws-clients.ts): only runs with news send
// events. The Lambda bundle builds this module into its own file (lib/lambda-bundling.ts).
export { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

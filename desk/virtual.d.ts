declare module 'virtual:locale-messages' {
  /** Each locale's messages by Chrome message name, built from locales/*.yml. */
  const messages: Record<string, Record<string, string>>;
  export default messages;
}

export * from "./keys";
export * from "./month";
export * from "./plan";
export * from "./status";
export * from "./validate";
export * from "./target";
export * from "./signals";

-- The W3C traceparent of the request that created the execution, when it was traced (tracing on, and sampled);
-- null otherwise. Gateways continue the trace from it when they deliver the execution and when it ends, however
-- much later and on whichever gateway that happens (docs/observability.md).
alter table execution add column traceparent text;

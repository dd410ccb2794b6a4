// Configuration for interop.js: the client does not read REDIS_HOST and
// REDIS_PORT itself; it takes this object (added last, so that it wins).
module.exports =
{
  core:
  {
    bootstrap:
    {
      // no auto-started consumer of 'process-*-*-persisted'
      'eventsource/client/consumer' : false
    }
  },
  client:
  {
    eventsource:
    {
      gateway : { url: `redis://${process.env.REDIS_HOST}:${process.env.REDIS_PORT}` },
      auth    : process.env.REDIS_AUTH
    }
  }
}

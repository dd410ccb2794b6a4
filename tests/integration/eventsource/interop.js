// Drives the Superhero eventsource client (@superhero/core.eventsource 3.x,
// unchanged) against whichever server indexes the Redis at REDIS_HOST:
// REDIS_PORT, and prints what a user of the client sees, with stream ids
// replaced by ordinals so that two servers' runs compare equal.
//
//   NODE_PATH=<dir with node_modules> node interop.js write|dump|read|readback
'use strict'
const path = require('path')
const CoreFactory = require('superhero/core/factory')
const redis = require('redis')

// The client logs to stdout too: the result is the one line marked RESULT.
const result = (value) => process.stdout.write('RESULT ' + JSON.stringify(value) + '\n')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const phase = process.argv[2]

// The events: normalisation of domains and names, ppid or none, broadcast
// off, nested data whose key order must survive, explicit timestamps.
const events =
[
  { domain:'Shop Orders', pid:'o-1', name:'created', timestamp:'2026-01-02T03:04:05.000Z', data:{ z:1, a:{ c:2, b:[1, 'x'] } } },
  { domain:'Shop Orders', pid:'o-1', ppid:'cart-7', name:'paid', timestamp:'2026-01-02T03:04:06.000Z', data:{ amount:12.5 } },
  { domain:'Shop Orders', pid:'o-1', name:'audited', timestamp:'2026-01-02T03:04:07.000Z', data:{ by:'ops' }, broadcast:false },
  { domain:'Café Crème', pid:'c-1', ppid:'o-1', name:'Brewed Hot!', timestamp:'2026-01-02T03:04:08.000Z', data:{ s:'quote " and \\ and \n and é' } },
  { domain:'shop-orders', pid:'o-2', name:'created', timestamp:'2026-01-02T03:04:09.000Z' },
]
for(let i = 0; i < 12; i++)
  events.push({ domain:'Counter', pid:'k-1', name:'incremented', timestamp:new Date(Date.UTC(2026, 0, 3, 0, 0, i)).toJSON(), data:{ ['n' + i]:i, total:{ value:i } } })

async function client()
{
  const core = new CoreFactory().create()
  core.add('eventsource/client', '@superhero/core.eventsource/src/client')
  core.add('interop', path.join(__dirname, 'interop-config'))
  core.load()
  await core.locate('core/bootstrap').bootstrap()
  return core.locate('eventsource/client')
}

async function connect()
{
  const db = redis.createClient({ url:`redis://${process.env.REDIS_HOST}:${process.env.REDIS_PORT}` })
  await db.connect()
  return db
}

async function waitIndexed(db, count)
{
  for(let i = 0; i < 300; i++)
  {
    const indexed = await db.hLen('pd')
    const scheduled = await db.zCard('process-event-scheduled')
    if(indexed >= count && scheduled === 0)
      return
    await sleep(100)
  }
  throw new Error(`timed out: ${await db.hLen('pd')} of ${count} indexed`)
}

// Stream ids in the order they appear in pd (the write order) -> #1, #2…
async function ordinals(db)
{
  const ids = Object.keys(await db.hGetAll('pd')).sort((a, b) =>
  {
    const [am, as] = a.split('-').map(Number), [bm, bs] = b.split('-').map(Number)
    return am - bm || as - bs
  })
  const map = new Map(ids.map((id, i) => [id, '#' + (i + 1)]))
  return (text) => String(text).replace(/\d{13,}-\d+/g, (id) => map.get(id) || '#?')
}

async function write()
{
  const es = await client()
  const db = await connect()
  for(const { broadcast, ...event } of events)
    await es.write(event, undefined, broadcast !== false)
  // and one scheduled a second from now
  await es.schedule(Date.now() + 1000, { domain:'Shop Orders', pid:'o-9', name:'reminded', timestamp:'2026-01-02T03:05:00.000Z', data:{ later:true } })
  await waitIndexed(db, events.length + 1)
  await db.quit()
  await es.quit()
}

async function dump()
{
  const db = await connect()
  const normal = await ordinals(db)
  const out = {}
  for(const key of (await db.keys('*')).sort())
  {
    const type = await db.type(key)
    let value
    if(type === 'hash') value = Object.entries(await db.hGetAll(key)).map(([f, v]) => [normal(f), normal(v)]).sort()
    else if(type === 'zset') value = (await db.zRangeWithScores(key, 0, -1)).map(({ value, score }) => [normal(value), score])
    else if(type === 'stream')
    {
      const entries = await db.xRange(key, '-', '+')
      const groups = await db.xInfoGroups(key)
      value = { entries:entries.map((e) => Object.entries(e.message).map(([f, v]) => [f, normal(v)])),
                groups:groups.map((g) => ({ name:g.name, pending:g.pending })) }
    }
    else value = type
    out[key] = { type, value }
  }
  result(out)
  await db.quit()
}

async function read()
{
  const es = await client()
  const db = await connect()
  const normal = await ordinals(db)
  const results = {
    eventlog:         await es.readEventlog('Shop Orders', 'o-1'),
    eventlogByPid:    await es.readEventlogByPid('o-1'),
    eventlogByPpid:   await es.readEventlogByPpid('o-1'),
    eventlogByDomainAndPpid: await es.readEventlogByDomainAndPpid('Shop Orders', 'cart-7'),
    state:            await es.readState('Counter', 'k-1'),
    hasCreated:       await es.hasEvent('Shop Orders', 'o-1', 'created'),
    hasRefunded:      await es.hasEvent('Shop Orders', 'o-1', 'refunded'),
  }
  // wait(): the first of the named events, as published on persist
  const waiting = es.wait('Shop Orders', 'o-3', ['shipped'], ['lost'], 10000)
  await sleep(200)
  await es.write({ domain:'Shop Orders', pid:'o-3', name:'shipped', timestamp:'2026-01-02T03:06:00.000Z', data:{} })
  const shipped = await waiting
  results.waited = { name:shipped.name, pid:shipped.pid }
  result(JSON.parse(normal(JSON.stringify(results))))
  await db.quit()
  await es.quit()
}

// What the client reads of a process another writer wrote (READ_DOMAIN, READ_PID).
async function readback()
{
  const es = await client()
  const domain = process.env.READ_DOMAIN, pid = process.env.READ_PID
  result({ eventlog:await es.readEventlog(domain, pid), state:await es.readState(domain, pid) })
  await es.quit()
}

const phases = { write, dump, read, readback }
phases[phase]().then(() => process.exit(0), (error) => { console.error(error); process.exit(1) })

// The shop tst_deployd deploys: a web service that serves its greeting
// (reached through cape-proxyd as web.test) and a worker. What changes from
// push to push is deploy/shop.json, which the test writes.
module.exports = function (ctx) {
    const settings = ctx.files.json('deploy/shop.json');
    const prefix = ctx.env.PREFIX;
    const web = {
        name: prefix + '-web',
        image: ctx.env.IMAGE,
        replicas: 2,
        command: ['sh', '-c', 'mkdir -p /www && echo "$GREETING" > /www/index.html && exec httpd -f -p 8080 -h /www'],
        env: {GREETING: settings.greeting},
        networks: [ctx.env.NETWORK],
        healthcheck: {
            test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/index.html'],
            interval: '1s', timeout: '2s', retries: 3
        },
        stopGracePeriod: '2s'
    };
    const worker = {
        name: prefix + '-worker',
        image: ctx.env.IMAGE,
        command: ['sleep', '3600'],
        env: {GENERATION: settings.generation},
        stopGracePeriod: '1s'
    };
    if (settings.buildWeb) { // the web service's image built from the commit (web/Dockerfile)
        delete web.image;
        delete web.command;
        web.build = {dockerfile: 'web/Dockerfile'};
    }
    if (settings.workerHealthCheck)
        worker.healthcheck = {test: settings.workerHealthCheck, interval: '1s', timeout: '1s', retries: 2};
    console.log('shop generation', settings.generation, 'at', ctx.commit.sha.slice(0, 7));
    return [web, worker];
};

#include "epollloop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <ctime>
#include <utility>

namespace cape {

EpollLoop::EpollLoop()
    : m_epoll(epoll_create1(EPOLL_CLOEXEC))
    , m_wake(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
    , m_now(monotonicMs())
{
    if (m_epoll >= 0 && m_wake >= 0) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.ptr = nullptr; // the wake-up
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &event);
    }
}

EpollLoop::~EpollLoop()
{
    for (Watcher *watcher : std::exchange(m_retired, {}))
        delete watcher;
    if (m_wake >= 0)
        ::close(m_wake);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

qint64 EpollLoop::monotonicMs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

bool EpollLoop::watch(int fd, std::uint32_t events, Watcher *watcher)
{
    epoll_event event{};
    event.events = events;
    event.data.ptr = watcher;
    return epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0;
}

void EpollLoop::change(int fd, std::uint32_t events, Watcher *watcher)
{
    epoll_event event{};
    event.events = events;
    event.data.ptr = watcher;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
}

void EpollLoop::unwatch(int fd)
{
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
}

void EpollLoop::retire(Watcher *watcher)
{
    if (!watcher || watcher->m_retired)
        return;
    watcher->m_retired = true;
    m_retired.push_back(watcher);
}

void EpollLoop::quit()
{
    post([this] { m_quit = true; });
}

void EpollLoop::post(std::function<void()> task)
{
    {
        std::lock_guard lock(m_postedMutex);
        m_posted.push_back(std::move(task));
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wake, &one, sizeof one);
}

void EpollLoop::drainPosted()
{
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t read = ::read(m_wake, &count, sizeof count);
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard lock(m_postedMutex);
        tasks.swap(m_posted);
    }
    for (const auto &task : tasks)
        task();
}

void EpollLoop::run(int tickMs, const std::function<void()> &tick)
{
    std::array<epoll_event, 256> events{};
    qint64 nextTick = monotonicMs() + tickMs;
    while (!m_quit) {
        const int timeout = int(std::max<qint64>(0, nextTick - monotonicMs()));
        const int ready = epoll_wait(m_epoll, events.data(), int(events.size()), timeout);
        m_now = monotonicMs();
        if (ready < 0 && errno != EINTR)
            break;
        // Posted tasks run after the batch, never in the middle of it: a task that retires
        // watchers must not leave later events of the batch pointing at them.
        bool woken = false;
        for (int i = 0; i < ready; ++i) {
            auto *watcher = static_cast<Watcher *>(events[size_t(i)].data.ptr);
            if (!watcher)
                woken = true;
            else if (!watcher->m_retired)
                watcher->onEvents(events[size_t(i)].events);
        }
        if (woken)
            drainPosted();
        if (m_now >= nextTick) {
            tick();
            nextTick = m_now + tickMs;
        }
        for (Watcher *watcher : std::exchange(m_retired, {}))
            delete watcher;
    }
    for (Watcher *watcher : std::exchange(m_retired, {}))
        delete watcher;
}

} // namespace cape

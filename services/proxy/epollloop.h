#pragma once

#include <QtGlobal>

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace cape {

// One thread's event loop for cape-proxyd's workers: epoll, level-triggered,
// without Qt in the way of every socket event (the proxy's hot path). A
// periodic tick serves timeouts; post() hands work to the loop from any
// thread (a new route table, stop).
class EpollLoop
{
public:
    // Whatever owns a watched file descriptor.
    class Watcher
    {
    public:
        virtual ~Watcher() = default;
        virtual void onEvents(std::uint32_t events) = 0;

    private:
        friend class EpollLoop;
        bool m_retired = false;
    };

    EpollLoop();
    ~EpollLoop();
    EpollLoop(const EpollLoop &) = delete;
    EpollLoop &operator=(const EpollLoop &) = delete;

    bool isValid() const { return m_epoll >= 0 && m_wake >= 0; }
    bool watch(int fd, std::uint32_t events, Watcher *watcher);
    void change(int fd, std::uint32_t events, Watcher *watcher);
    void unwatch(int fd);
    // Deleted once the events at hand are handled: later events of the same
    // batch may name it still, and are dropped.
    void retire(Watcher *watcher);

    // Runs until quit(); the tick every tickMs at most.
    void run(int tickMs, const std::function<void()> &tick);
    void quit();                           // any thread
    void post(std::function<void()> task); // any thread; runs in the loop
    // Monotonic milliseconds, as of this iteration.
    qint64 now() const { return m_now; }

private:
    void drainPosted();
    static qint64 monotonicMs();

    int m_epoll = -1;
    int m_wake = -1; // eventfd: quit() and post()
    bool m_quit = false;
    qint64 m_now = 0;
    std::mutex m_postedMutex;
    std::vector<std::function<void()>> m_posted;
    std::vector<Watcher *> m_retired;
};

} // namespace cape

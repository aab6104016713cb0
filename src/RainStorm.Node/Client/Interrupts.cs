namespace RainStorm.Node.Client;

/// <summary>
/// Ctrl+C, decoupled from <see cref="Console"/> so tests can press it. A running command subscribes for one
/// interrupt; with no subscriber, the interrupt is not handled (so a second Ctrl+C ends a stuck client).
/// </summary>
public sealed class Interrupts
{
    private Action? _handler;

    /// <summary>Calls <paramref name="onInterrupt"/> at the next interrupt, until disposed.</summary>
    public IDisposable Subscribe(Action onInterrupt)
    {
        Interlocked.Exchange(ref _handler, onInterrupt);
        return new Subscription(this, onInterrupt);
    }

    /// <summary>Delivers one interrupt; false when nobody was listening.</summary>
    public bool Raise()
    {
        var handler = Interlocked.Exchange(ref _handler, null);
        handler?.Invoke();
        return handler is not null;
    }

    /// <summary>Routes the process's Ctrl+C here: handled interrupts do not end the process.</summary>
    public static Interrupts FromConsole()
    {
        var interrupts = new Interrupts();
        Console.CancelKeyPress += (_, e) => e.Cancel = interrupts.Raise();
        return interrupts;
    }

    private sealed class Subscription(Interrupts owner, Action handler) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref owner._handler, null, handler);
    }
}

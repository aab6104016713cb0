namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The rescale side of <see cref="SourceTask"/>: the answer to a hold, whole or of the moving key groups only.</summary>
public sealed partial class SourceTask
{
    /// <summary>A held source answers once what the hold concerns is acknowledged: everything it sent, or what the held
    /// groups' old owners were sent before the hold.</summary>
    private void AnswerHold()
    {
        if (_hold!.Step == HoldStep.Emptying && _hold.Settled(_output)) _hold.Answer(_spec.Id);
    }
}

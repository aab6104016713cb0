using Akka.Actor;

namespace RainStorm.Node.Http;

/// <summary>Where this node's HTTP endpoint listens (null while it is not bound or when it is off).</summary>
public sealed class HttpEndpoint : IExtension
{
    public Uri? Url { get; internal set; }

    public static HttpEndpoint Get(ActorSystem system) => system.WithExtension<HttpEndpoint, HttpEndpointProvider>();
}

public sealed class HttpEndpointProvider : ExtensionIdProvider<HttpEndpoint>
{
    public override HttpEndpoint CreateExtension(ExtendedActorSystem system) => new();
}

package io.sdclr.pipeline.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.sdclr.pipeline.store.ArtifactStore;
import java.nio.file.Path;

/** Binds the artifact store and the execution settings from the CLI options. */
public final class RuntimeModule extends AbstractModule {
    private final Path store;
    private final ExecutionSettings settings;

    public RuntimeModule(Path store, ExecutionSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    protected void configure() {
        bind(ExecutionSettings.class).toInstance(settings);
    }

    @Provides
    @Singleton
    ArtifactStore store() {
        return new ArtifactStore(store);
    }
}

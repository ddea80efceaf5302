package io.sdclr.steps.eval;

import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Brings one encoder's cached features and the images it runs over together in one element (a
 * {@code CoGroupByKey} on a constant key), for the steps that run the frozen encoder again: the augmented probe and
 * the PIE analysis.
 *
 * <pre>{@code
 * PCollection<KV<Integer, CoGbkResult>> all = FeaturesWithImages.gather(features, images);
 * // in the DoFn: all.getValue().getAll(FeaturesWithImages.FEATURES), ...getAll(FeaturesWithImages.IMAGES)
 * }</pre>
 */
final class FeaturesWithImages {
    static final TupleTag<Feature> FEATURES = new TupleTag<>("features");
    static final TupleTag<Image> IMAGES = new TupleTag<>("images");

    private FeaturesWithImages() {}

    static PCollection<KV<Integer, CoGbkResult>> gather(PCollection<Feature> features, PCollection<Image> images) {
        PCollection<KV<Integer, Feature>> keyedFeatures = features
                .apply("key features", WithKeys.<Integer, Feature>of(0).withKeyType(TypeDescriptors.integers()))
                .setCoder(KvCoder.of(VarIntCoder.of(), features.getCoder()));
        PCollection<KV<Integer, Image>> keyedImages = images
                .apply("key images", WithKeys.<Integer, Image>of(0).withKeyType(TypeDescriptors.integers()))
                .setCoder(KvCoder.of(VarIntCoder.of(), images.getCoder()));
        return KeyedPCollectionTuple.of(FEATURES, keyedFeatures).and(IMAGES, keyedImages)
                .apply("gather", CoGroupByKey.create());
    }
}

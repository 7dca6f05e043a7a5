package dev.aegis.inference.prediction;

/** PENDING until a worker's result arrives; CANCELLED when its batch was cancelled first. */
public enum PredictionStatus { PENDING, DONE, FAILED, CANCELLED }

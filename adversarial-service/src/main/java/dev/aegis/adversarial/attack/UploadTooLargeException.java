package dev.aegis.adversarial.attack;

/** An upload above {@code aegis.adversarial.max-upload-bytes} (413). */
public class UploadTooLargeException extends RuntimeException {

    public UploadTooLargeException(long limit) {
        super("the image exceeds the upload limit of " + limit + " bytes");
    }
}

# The toxicpath image: the CLI, the Streamlit UI and the scheduled scan.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/toxicpath
COPY . .
RUN pip install ".[all]" \
    && useradd --create-home --uid 10001 toxicpath

USER toxicpath
# The embedded store and scan history default to this user's data folder;
# mount a volume here to keep them.
VOLUME ["/home/toxicpath/.local/share/toxicpath"]
EXPOSE 8501
ENTRYPOINT ["toxicpath"]
CMD ["--help"]
